package dev.vitals.common.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BearerTokenTest {

  private final BearerToken token = new BearerToken("s3cret");

  @Test
  void theTokenInABearerHeaderIsAcceptedWhateverTheSchemeCase() {
    assertThat(token.matches(BearerToken.presented("Bearer s3cret"))).isTrue();
    assertThat(token.matches(BearerToken.presented("bearer  s3cret "))).isTrue();
  }

  @Test
  void anotherTokenAnotherSchemeOrNoHeaderIsRefused() {
    assertThat(token.matches(BearerToken.presented("Bearer s3cre"))).isFalse();
    assertThat(token.matches(BearerToken.presented("Basic s3cret"))).isFalse();
    assertThat(token.matches(BearerToken.presented(null))).isFalse();
  }

  @Test
  void theTokenIsNeverShownAndNeverEmpty() {
    assertThat(token.toString()).doesNotContain("s3cret");
    assertThatThrownBy(() -> new BearerToken("")).isInstanceOf(IllegalArgumentException.class);
  }
}
