package dev.vitals.bench.faults;

import dev.vitals.bench.IngestLoadHarness;
import dev.vitals.bench.Machine;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code java -cp bench/target/benchmarks.jar dev.vitals.bench.faults.FaultCampaignMain [--full]}
 * from the repository root: runs the campaign (bounded unless {@code --full}), prints every check
 * and replaces its section of {@code bench/RESULTS.md} ({@code -Dresults=path} elsewhere). Exit
 * code 1 when a check failed. {@code -Dvitals.jar} names the vitals jar (default {@code
 * app/target/vitals.jar}); Every process's log stays in the printed folder.
 */
public final class FaultCampaignMain {

  private FaultCampaignMain() {}

  public static void main(String[] args) throws Exception {
    boolean full = args.length > 0 && args[0].equals("--full");
    Settings settings = full ? Settings.FULL : Settings.BOUNDED;
    Path dir = Files.createTempDirectory("vitals-faults-");
    Journal.log("campaign " + settings.name() + " in " + dir);
    CampaignResult result = new FaultCampaign(settings, dir, FaultCampaign.vitalsJar()).run();
    String section = result.markdown(Machine.describe());
    Path results = Path.of(System.getProperty("results", "bench/RESULTS.md"));
    String heading = "## Fault campaign (" + settings.name() + ")";
    Files.writeString(results, IngestLoadHarness.replaceSection(results, heading, section));
    Journal.log("written to " + results.toAbsolutePath() + "; logs in " + dir);
    result.failed().forEach(c -> Journal.log(c.toString()));
    System.exit(result.failed().isEmpty() ? 0 : 1);
  }
}
