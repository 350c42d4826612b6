package dev.animegan.model.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Named tensors of one network in PyTorch's layouts and names ({@code block_a.0.1.weight} [out, in,
 * kh, kw], {@code block_a.0.2.weight} [C], ...): the parameters, or their gradients (views of a DL4J
 * layer's flat parameter or gradient vector, or plain arrays).
 */
public final class ParamSet {
  private final Map<String, INDArray> tensors;

  public ParamSet(Map<String, INDArray> tensors) {
    this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
  }

  public INDArray get(String key) {
    INDArray t = tensors.get(key);
    if (t == null) {
      throw new IllegalArgumentException("no tensor " + key + " (have " + tensors.size() + " tensors)");
    }
    return t;
  }

  public boolean has(String key) {
    return tensors.containsKey(key);
  }

  public Set<String> keys() {
    return tensors.keySet();
  }

  public Map<String, INDArray> asMap() {
    return tensors;
  }

  /** The tensors whose keys start with {@code prefix}, with the prefix removed. */
  public ParamSet sub(String prefix) {
    Map<String, INDArray> m = new LinkedHashMap<>();
    tensors.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        m.put(k.substring(prefix.length()), v);
      }
    });
    return new ParamSet(m);
  }

  public long numParams() {
    return tensors.values().stream().mapToLong(INDArray::length).sum();
  }
}
