package dev.vitals.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.ingest.IngestSettings.Auth;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantResolverTest {

  @Test
  void tokenTenantWinsOverScopeOrgIdSoAClientCannotWriteIntoAnotherTenant() {
    TenantResolver resolver = new TenantResolver(new Auth(Map.of("s3cret", "acme"), "default"));

    assertThat(resolver.resolve("Bearer s3cret", "evil-corp"))
        .isEqualTo(new TenantResolver.Tenant("acme"));
    assertThat(resolver.resolve("bearer s3cret", null))
        .isEqualTo(new TenantResolver.Tenant("acme"));
  }

  @Test
  void withTokensConfiguredMissingUnknownOrNonBearerCredentialsAreDenied() {
    TenantResolver resolver = new TenantResolver(new Auth(Map.of("s3cret", "acme"), "default"));

    assertThat(resolver.resolve(null, "acme")).isInstanceOf(TenantResolver.Denied.class);
    assertThat(resolver.resolve("Bearer wrong", null)).isInstanceOf(TenantResolver.Denied.class);
    assertThat(resolver.resolve("Bearer s3cre", null)).isInstanceOf(TenantResolver.Denied.class);
    assertThat(resolver.resolve("Basic czNjcmV0", null)).isInstanceOf(TenantResolver.Denied.class);
  }

  @Test
  void validScopeOrgIdNamesTheTenantWithoutTokens() {
    TenantResolver resolver = new TenantResolver(new Auth(Map.of(), "default"));

    assertThat(resolver.resolve(null, "team-a.prod_1"))
        .isEqualTo(new TenantResolver.Tenant("team-a.prod_1"));
  }

  @Test
  void invalidScopeOrgIdIsRefusedRatherThanFallingBackToTheDefault() {
    TenantResolver resolver = new TenantResolver(new Auth(Map.of(), "default"));

    assertThat(resolver.resolve(null, "a/b")).isInstanceOf(TenantResolver.Denied.class);
    assertThat(resolver.resolve(null, "tenant with spaces"))
        .isInstanceOf(TenantResolver.Denied.class);
    assertThat(resolver.resolve(null, "x".repeat(129))).isInstanceOf(TenantResolver.Denied.class);
  }

  @Test
  void requestWithoutTenantGetsTheDefaultTenant() {
    TenantResolver resolver = new TenantResolver(new Auth(Map.of(), "default"));

    assertThat(resolver.resolve(null, null)).isEqualTo(new TenantResolver.Tenant("default"));
    assertThat(resolver.resolve(null, "")).isEqualTo(new TenantResolver.Tenant("default"));
  }

  @Test
  void requestWithoutTenantIsDeniedWhenThereIsNoDefaultTenant() {
    TenantResolver resolver = new TenantResolver(new Auth(Map.of(), null));

    assertThat(resolver.resolve(null, null)).isInstanceOf(TenantResolver.Denied.class);
  }
}
