package org.nd4j.nativeblas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test-only shim is the only class of its name on the classpath, and it answers DL4J's question. */
class Nd4jCpuShimTest {
  @Test
  void ndj4DoesNotShipAClassOfTheSameName() throws Exception {
    List<URL> found = Collections.list(getClass().getClassLoader().getResources("org/nd4j/nativeblas/Nd4jCpu.class"));
    assertEquals(1, found.size(), "org.nd4j.nativeblas.Nd4jCpu exists more than once (an ND4J upgrade brought it back?): "
        + found);
    assertTrue(found.get(0).toString().contains("test-classes"), "the one found is this test shim: " + found);
  }

  @Test
  void answersWhetherOneDnnIsOn() {
    assertTrue(Nd4jCpu.Environment.getInstance().isUseMKLDNN(), "ND4J's oneDNN build is on the test classpath");
  }
}
