/**
 * What every job shares: {@link dev.animegan.spark.common.JobRun} (run id, named steps as Spark
 * job groups, progress), {@link dev.animegan.spark.common.TableSchema} (one definition per table,
 * checked on read), {@link dev.animegan.spark.common.TableOutput} (tasks writing a table's
 * Parquet files, committed by the driver), {@link dev.animegan.spark.common.InputFiles} and
 * {@link dev.animegan.spark.common.FilePaths} (listing and names of every shape),
 * {@link dev.animegan.spark.common.HadoopFiles} (atomic writes on any Hadoop FS),
 * {@link dev.animegan.spark.common.ModelCheck} (driver-side model checks) and
 * {@link dev.animegan.spark.common.JobResults} ({@code _job_result.json}).
 */
package dev.animegan.spark.common;
