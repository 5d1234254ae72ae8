package dev.vitals.ingest.pipeline;

import dev.vitals.ingest.pipeline.ExportPipeline.MalformedException;
import dev.vitals.ingest.pipeline.ExportPipeline.ThrottledException;
import dev.vitals.ingest.pipeline.ExportPipeline.TooLargeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Request body decompression that stops at the size limit, so a small bomb stays small. */
public final class Bodies {

  private static final int CHUNK = 64 * 1024;

  private Bodies() {}

  /**
   * Inflates a gzip body. Every inflated chunk is reserved before it is kept, so decompression
   * counts against the in-flight bound too.
   *
   * @throws TooLargeException past {@code maxBytes} of output
   * @throws ThrottledException when the in-flight bound is reached
   * @throws MalformedException when the body is not gzip
   */
  public static byte[] gunzip(byte[] compressed, long maxBytes, Reservation reservation)
      throws MalformedException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(compressed.length * 4, CHUNK));
    byte[] chunk = new byte[CHUNK];
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), CHUNK)) {
      int n;
      while ((n = in.read(chunk)) > 0) {
        if (out.size() + (long) n > maxBytes) {
          throw new TooLargeException(
              "the body inflates to more than the " + maxBytes + "-byte limit");
        }
        if (!reservation.tryGrow(n)) {
          throw new ThrottledException("ingest is at its in-flight byte limit; retry later");
        }
        out.write(chunk, 0, n);
      }
    } catch (ZipException | java.io.EOFException e) {
      throw new MalformedException("the body is not valid gzip: " + e.getMessage());
    } catch (IOException e) {
      throw new MalformedException("cannot inflate the body: " + e.getMessage());
    }
    return out.toByteArray();
  }
}
