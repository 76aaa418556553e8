package io.distillery.topics;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach the schema registry, and the serde settings every Distillery client uses with
 * it. The wire format is Confluent's (magic byte 0, then the 4-byte content id the ccompat API
 * hands out), so records written by Confluent clients through {@code /apis/ccompat/v7} and
 * records written by us decode on both sides.
 *
 * @param url          base URL of the registry, e.g. {@code http://127.0.0.1:8081}
 * @param autoRegister whether producers register their schema on first use (true for our
 *                     services; a locked-down deployment registers schemas ahead and sets false)
 */
public record RegistryConfig(String url, boolean autoRegister) {

    /** How long a serde trusts a schema it has fetched (see {@link #serdeProperties}). */
    static final Duration CACHED_SCHEMAS_RECHECKED_AFTER = Duration.ofHours(24);

    public RegistryConfig {
        Objects.requireNonNull(url, "url");
    }

    public static RegistryConfig at(String url) {
        return new RegistryConfig(url, true);
    }

    /** The Apicurio serde properties (for a Kafka client config or a serde's configure()). */
    public Map<String, Object> serdeProperties() {
        Map<String, Object> props = new HashMap<>();
        props.put("apicurio.registry.url", url);
        props.put("apicurio.registry.auto-register", autoRegister);
        // contentId + 4-byte handler = the id the ccompat API returns, in Confluent's framing.
        props.put("apicurio.registry.use-id", "contentId");
        props.put("apicurio.registry.id-handler", "io.apicurio.registry.serde.Default4ByteIdHandler");
        // Ids travel in the payload, not in headers, so plain Confluent clients can read our records.
        props.put("apicurio.registry.headers.enabled", false);
        // A content id names the same schema for ever, so there is nothing to re-check every 30 s (the
        // default): a cached schema must not need the registry to be up, or every outage longer than the
        // period would stop every service (they wait for it: RegistryUnavailableException).
        props.put("apicurio.registry.check-period-ms", CACHED_SCHEMAS_RECHECKED_AFTER.toMillis());
        return props;
    }
}
