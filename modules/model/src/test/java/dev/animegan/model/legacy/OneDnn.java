package dev.animegan.model.legacy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Switches DL4J's oneDNN layer helpers on (convolution, pooling, batch norm on the CPU backend).
 * DL4J 1.0.0-M2.1 ships them disabled ({@code org.eclipse.deeplearning4j.helpers.disable} defaults
 * to true) and, even when enabled, cannot find ND4J's oneDNN switch without the
 * {@code org.nd4j.nativeblas.Nd4jCpu} shim in this module. Measured here: a 64-channel 3x3
 * convolution over a 4x64x256x256 batch went from 2.7-3.1 s to 0.95-1.1 s per forward pass.
 *
 * <p>Call {@link #enable()} before networks are created (helpers are attached at layer creation).
 * Users can keep the helpers off with {@code -Danimegan.onednn=false}.
 */
public final class OneDnn {
  private static final Logger LOG = LoggerFactory.getLogger(OneDnn.class);
  /** DL4J's switch: "true" disables every layer helper. */
  public static final String DL4J_HELPERS_DISABLE = "org.eclipse.deeplearning4j.helpers.disable";
  /** This project's switch. */
  public static final String ANIMEGAN_ONEDNN = "animegan.onednn";
  private static volatile boolean done;

  private OneDnn() {}

  /** Enables the helpers unless {@code -Danimegan.onednn=false}; idempotent. Returns whether they are on. */
  public static synchronized boolean enable() {
    boolean wanted = !"false".equalsIgnoreCase(System.getProperty(ANIMEGAN_ONEDNN, "true"));
    if (wanted) {
      System.setProperty(DL4J_HELPERS_DISABLE, "false");
    }
    if (!done) {
      done = true;
      LOG.info("DL4J oneDNN layer helpers {}", wanted ? "enabled" : "disabled (-Danimegan.onednn=false)");
    }
    return wanted;
  }
}
