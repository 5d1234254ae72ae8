package dev.vitals.app;

import picocli.CommandLine.Command;

@Command(name = "version", description = "Prints the version of vitals.")
final class VersionCommand implements Runnable {

  @Override
  public void run() {
    System.out.println("vitals " + Vitals.version());
  }
}
