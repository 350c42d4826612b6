package dev.animegan.model.engine;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import dev.animegan.model.train.LossWeights;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The project's training steps on the engine, computing loss terms and parameter gradients (the
 * optimiser updates are the caller's). Practice for frozen networks, as in PyTorch: VGG(photo) and
 * VGG(gray) run in inference mode with nothing kept, the Gram targets are computed once; VGG(fake)
 * and the generator-step's D keep only what input gradients need; the D step's fakes come from an
 * inference pass of G. Each frozen network's backward pass runs as soon as its loss is known, so its
 * saved activations are freed before the next one runs.
 *
 * <ul>
 *   <li>{@link #pretrain}: {@code con * L1(VGG(p), VGG(G(p)))};
 *   <li>{@link #generator}: {@code adv*(D(G(p))-1)^2 + con*L1(VGG) + gra*L1(Gram) + col*colour + tv*TV};
 *   <li>{@link #discriminator}: {@code adv*[real*(D(a)-1)^2 + fake*D(G(p))^2 + gray*D(g)^2 + smooth*D(s)^2]}.
 * </ul>
 * Gradients are of the batch-mean loss times {@code scale}. Tensors are NHWC in [-1, 1]. A step that
 * fails midway (e.g. out of memory) frees everything it allocated before rethrowing.
 */
public final class GanSteps {
  private final GeneratorNet g;
  private final DiscriminatorNet d;
  private final VggNet vgg;
  private final LossWeights w;

  public GanSteps(GeneratorNet g, DiscriminatorNet d, VggNet vgg, LossWeights w) {
    this.g = g;
    this.d = d;
    this.vgg = vgg;
    this.w = w;
  }

  public GeneratorNet generatorNet() {
    return g;
  }

  public DiscriminatorNet discriminatorNet() {
    return d;
  }

  public VggNet vggNet() {
    return vgg;
  }

  /** Pretraining: returns {@code con} and {@code total}; fills {@code gGrads} unless null (loss only). */
  public Map<String, Double> pretrain(Engine e, ParamSet gp, ParamSet gGrads, ParamSet vp, INDArray photo, double scale) {
    long mark = e.pool().mark();
    try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      TensorPool pool = e.pool();
      boolean train = gGrads != null;
      INDArray target = vgg.forward(e, vp, null, photo, null, false);
      Tape gTape = train ? new Tape() : null;
      INDArray fake = g.forward(e, gp, gGrads, photo, gTape, false);
      Tape vTape = train ? new Tape() : null;
      INDArray feat = vgg.forward(e, vp, null, fake, vTape, train);
      INDArray dFeat = train ? pool.zeros(feat.shape()) : null;
      double con = Losses.l1(e, target, feat, dFeat, scale * w.con());
      pool.release(target);
      pool.release(feat);
      pool.release(fake);
      if (train) {
        INDArray dFake = vTape.backward(dFeat);
        pool.release(gTape.backward(dFake));
      }
      Map<String, Double> terms = new LinkedHashMap<>();
      terms.put("con", con);
      terms.put("total", w.con() * con);
      return terms;
    } catch (RuntimeException | Error failed) {
      e.pool().releaseSince(mark);
      e.pool().trim();
      throw failed;
    }
  }

  /** The generator step: returns adv, con, gra, col, tv and total; fills {@code gGrads} unless null. D and VGG are frozen. */
  public Map<String, Double> generator(Engine e, ParamSet gp, ParamSet gGrads, ParamSet dp, ParamSet vp, INDArray photo,
      INDArray gray, double scale) {
    long mark = e.pool().mark();
    try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      TensorPool pool = e.pool();
      boolean train = gGrads != null;
      INDArray photoFeat = vgg.forward(e, vp, null, photo, null, false);
      INDArray grayFeat = vgg.forward(e, vp, null, gray, null, false);
      INDArray grayGram = pool.alloc(grayFeat.size(0), grayFeat.size(3), grayFeat.size(3));
      Losses.gram(e, grayFeat, grayGram);
      pool.release(grayFeat);

      Tape gTape = train ? new Tape() : null;
      INDArray fake = g.forward(e, gp, gGrads, photo, gTape, false);
      INDArray dFake = train ? pool.zeros(fake.shape()) : null;

      // adversarial term: D frozen, its backward right away
      Tape dTape = train ? new Tape() : null;
      INDArray score = d.forward(e, dp, null, fake, dTape, train);
      INDArray dScore = train ? pool.alloc(score.shape()) : null;
      double adv = Losses.squaredTo(e, score, 1.0, dScore, scale * w.adv());
      pool.release(score);
      if (train) {
        INDArray g1 = dTape.backward(dScore);
        dFake.addi(g1);
        pool.release(g1);
      }

      // content and style terms: VGG(fake), its backward right away
      Tape vTape = train ? new Tape() : null;
      INDArray feat = vgg.forward(e, vp, null, fake, vTape, train);
      INDArray dFeat = train ? pool.zeros(feat.shape()) : null;
      double con = Losses.l1(e, photoFeat, feat, dFeat, scale * w.con());
      pool.release(photoFeat);
      double gra = Losses.gramL1(e, feat, grayGram, dFeat, scale * w.gra());
      pool.release(grayGram);
      pool.release(feat);
      if (train) {
        INDArray g2 = vTape.backward(dFeat);
        dFake.addi(g2);
        pool.release(g2);
      }

      double[] col = Losses.color(e, photo, fake, dFake, scale * w.col());
      double tv = Losses.totalVariation(e, fake, dFake, scale * w.tv());
      pool.release(fake);
      if (train) {
        pool.release(gTape.backward(dFake));
      }
      Map<String, Double> terms = new LinkedHashMap<>();
      terms.put("adv", adv);
      terms.put("con", con);
      terms.put("gra", gra);
      terms.put("col", col[0]);
      terms.put("tv", tv);
      terms.put("total", w.adv() * adv + w.con() * con + w.gra() * gra + w.col() * col[0] + w.tv() * tv);
      return terms;
    } catch (RuntimeException | Error failed) {
      e.pool().releaseSince(mark);
      e.pool().trim();
      throw failed;
    }
  }

  /** The discriminator step: returns real, fake, gray, smooth and total; fills {@code dGrads} unless null. */
  public Map<String, Double> discriminator(Engine e, ParamSet gp, ParamSet dp, ParamSet dGrads, INDArray photo,
      INDArray anime, INDArray gray, INDArray smooth) {
    long mark = e.pool().mark();
    try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      TensorPool pool = e.pool();
      boolean train = dGrads != null;
      INDArray fake = g.forward(e, gp, null, photo, null, false);
      INDArray[] parts = {anime, fake, gray, smooth};
      long n = anime.size(0);
      long[] s = anime.shape();
      INDArray stacked = pool.alloc(4 * n, s[1], s[2], s[3]);
      for (int i = 0; i < 4; i++) {
        if (parts[i].size(0) != n || parts[i].size(1) != s[1] || parts[i].size(2) != s[2]) {
          throw new IllegalArgumentException("anime, fake, gray and smooth batches must have one shape");
        }
        stacked.get(interval(i * n, (i + 1) * n), all(), all(), all()).assign(parts[i]);
      }
      pool.release(fake);
      Tape tape = train ? new Tape() : null;
      INDArray out = d.forward(e, dp, dGrads, stacked, tape, false);
      pool.release(stacked);
      INDArray dOut = train ? pool.alloc(out.shape()) : null;
      String[] names = {"real", "fake", "gray", "smooth"};
      double[] weights = {w.real(), w.fake(), w.gray(), w.smooth()};
      Map<String, Double> terms = new LinkedHashMap<>();
      double total = 0;
      for (int i = 0; i < 4; i++) {
        INDArray part = out.get(interval(i * n, (i + 1) * n), all(), all(), all());
        INDArray grad = train ? dOut.get(interval(i * n, (i + 1) * n), all(), all(), all()) : null;
        double v = Losses.squaredTo(e, part, i == 0 ? 1.0 : 0.0, grad, w.adv() * weights[i]);
        terms.put(names[i], v);
        total += w.adv() * weights[i] * v;
      }
      pool.release(out);
      if (train) {
        INDArray dx = tape.backward(dOut);
        pool.release(dx);
      }
      terms.put("total", total);
      return terms;
    } catch (RuntimeException | Error failed) {
      e.pool().releaseSince(mark);
      e.pool().trim();
      throw failed;
    }
  }
}
