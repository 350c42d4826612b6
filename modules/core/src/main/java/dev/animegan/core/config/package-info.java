/**
 * Typed, validated job configuration. {@link dev.animegan.core.config.ConfigLoader} merges
 * command-line overrides, a {@code --config} file and {@code reference.conf} (which declares every
 * key with its default); each job's config record (e.g. {@link dev.animegan.core.config.IngestConfig})
 * validates its own section, rejects unknown keys and reports every problem with the key's name and
 * the allowed values ({@link dev.animegan.core.config.ConfigError}).
 */
package dev.animegan.core.config;
