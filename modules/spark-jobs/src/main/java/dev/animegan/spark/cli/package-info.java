/**
 * The command line shared by every job: flags mapped to config keys, {@code --config}, {@code --set},
 * {@code --help}, {@code --verbose}, and exit codes 0 (success), 1 (job failure), 2 (usage or config error).
 */
package dev.animegan.spark.cli;
