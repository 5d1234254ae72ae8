package dev.vitals.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ServiceKeyTest {

  @Test
  void keysOfOrdinaryNamesAreWrittenAsTheyAlwaysWere() {
    assertThat(new ServiceKey("acme", "shop", "checkout").toString())
        .isEqualTo("acme/shop/checkout");
    assertThat(new ServiceKey("default", "", "checkout").toString()).isEqualTo("default//checkout");
    assertThat(new ServiceKey("a", "ns.x_y-z", "svc:8080 (blue) é✓").toBytes())
        .isEqualTo("a/ns.x_y-z/svc:8080 (blue) é✓".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aSlashInsideAPartKeepsTwoServicesApart() {
    ServiceKey slashInNamespace = new ServiceKey("a", "coll/ide", "svc");
    ServiceKey slashInName = new ServiceKey("a", "coll", "ide/svc");

    assertThat(slashInNamespace.toString()).isEqualTo("a/coll%2Fide/svc");
    assertThat(slashInName.toString()).isEqualTo("a/coll/ide%2Fsvc");
    assertThat(slashInNamespace.toString()).isNotEqualTo(slashInName.toString());
  }

  @Test
  void theStoreKeySeparatorsAreEscapedSoOneServiceIsNeverAPrefixOfAnother() {
    // SLO and window stores key by "serviceKey|..." and scan by that prefix.
    assertThat(new ServiceKey("a", "", "svc|x").toString()).isEqualTo("a//svc%7Cx");
    assertThat(new ServiceKey("a", "", "svc|x").toString())
        .doesNotStartWith(new ServiceKey("a", "", "svc") + "|");
  }

  @Test
  void theEscapeCharacterAndNulAreEscapedToo() {
    assertThat(new ServiceKey("a", "", "50%2Foff").toString()).isEqualTo("a//50%252Foff");
    assertThat(new ServiceKey("a", "", "nul\0here").toString()).isEqualTo("a//nul%00here");
  }

  @Test
  void everyKeyParsesBackToItsParts() {
    for (ServiceKey key :
        new ServiceKey[] {
          new ServiceKey("a", "coll/ide", "svc"),
          new ServiceKey("a", "coll", "ide/svc"),
          new ServiceKey("a", "", "/"),
          new ServiceKey("a", "|", "x|y"),
          new ServiceKey("a", "%", "%25"),
          new ServiceKey("a", "", "nul\0"),
          new ServiceKey("a", "", ""),
          new ServiceKey("t%", "ns", "name"),
        }) {
      assertThat(ServiceKey.parse(key.toString())).isEqualTo(key);
    }
  }

  @Test
  void aKeyWrittenBeforeEscapingStillParsesAsItDid() {
    // Older versions wrote a '/' in a name unescaped; the third part runs to the end.
    assertThat(ServiceKey.parse("a/coll/ide/svc"))
        .isEqualTo(new ServiceKey("a", "coll", "ide/svc"));
    assertThat(ServiceKey.parse("a//50%off")).isEqualTo(new ServiceKey("a", "", "50%off"));
  }

  @Test
  void textWithoutThreePartsIsRefused() {
    assertThatThrownBy(() -> ServiceKey.parse("a/b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("service key: \"a/b\" (expected: tenant/namespace/name)");
  }
}
