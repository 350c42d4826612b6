package dev.animegan.spark.train;

import dev.animegan.model.train.DiscriminatorStep;
import dev.animegan.model.train.TrainerSettings;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Executor-side pool of {@link DiscriminatorStep}s, one per concurrently running task, kept for
 * the life of the executor JVM: networks are built once, and each slot's discriminator Adam
 * moments carry over between minibatches and averaging rounds. (D's parameters are averaged
 * across workers every round like G's; its Adam moments stay per executor slot and start fresh
 * when a run resumes from a checkpoint.)
 */
final class DiscriminatorSteps {
  private static final Map<TrainerSettings, ConcurrentLinkedDeque<DiscriminatorStep>> POOLS = new ConcurrentHashMap<>();

  private DiscriminatorSteps() {}

  static DiscriminatorStep borrow(TrainerSettings settings) {
    DiscriminatorStep s = POOLS.computeIfAbsent(settings, k -> new ConcurrentLinkedDeque<>()).pollFirst();
    return s != null ? s : DiscriminatorStep.create(settings);
  }

  static void giveBack(TrainerSettings settings, DiscriminatorStep step) {
    POOLS.computeIfAbsent(settings, k -> new ConcurrentLinkedDeque<>()).offerFirst(step);
  }
}
