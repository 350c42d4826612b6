package dev.animegan.spark.common;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;

/** Every job's typed result, as indented JSON in {@code <out>/_job_result.json}. */
public final class JobResults {
  public static final String FILE = "_job_result.json";

  private JobResults() {}

  /** Writes {@code result} atomically to {@code <out>/_job_result.json}; returns that path. */
  public static String write(String out, Object result, Configuration hconf) throws IOException {
    String path = out + "/" + FILE;
    String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result);
    HadoopFiles.writeAtomically(path, json + "\n", hconf);
    return path;
  }
}
