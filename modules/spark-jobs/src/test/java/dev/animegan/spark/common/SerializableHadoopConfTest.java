package dev.animegan.spark.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/** Broadcasts are serialized with spark.serializer: the configuration must survive Kryo and Java alike. */
class SerializableHadoopConfTest {
  @Test
  void survivesKryoAndJavaSerialization() {
    Configuration conf = new Configuration(false);
    conf.set("fs.defaultFS", "hdfs://nn:8020");
    conf.set("animegan.test", "yes");
    SparkConf sc = new SparkConf(false);
    for (Serializer s : new Serializer[] {new KryoSerializer(sc), new JavaSerializer(sc)}) {
      SerializerInstance in = s.newInstance();
      ByteBuffer bytes = in.serialize(new SerializableHadoopConf(conf), ClassTag$.MODULE$.apply(SerializableHadoopConf.class));
      SerializableHadoopConf back = in.deserialize(bytes, ClassTag$.MODULE$.apply(SerializableHadoopConf.class));
      assertEquals("hdfs://nn:8020", back.get().get("fs.defaultFS"), s.getClass().getSimpleName());
      assertEquals("yes", back.get().get("animegan.test"));
    }
  }
}
