package io.distillery.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CatalogueTest {

    /** A configuration as SmallRye would build it from DISTILLERY_KAFKA_* variables. */
    private record Kafka(String bootstrapServers, String securityProtocol, Optional<String> saslMechanism,
                         Optional<String> saslJaasConfig, Optional<String> sslTruststoreLocation,
                         Optional<String> sslTruststorePassword, Optional<String> sslKeystoreLocation,
                         Optional<String> sslKeystorePassword, Optional<String> sslKeyPassword) implements ServiceConfig.Kafka {
    }

    @Test
    void aPlainClusterNeedsOnlyItsAddress() {
        Kafka plain = new Kafka("b:9092", "PLAINTEXT", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
        assertEquals(Map.of("bootstrap.servers", "b:9092", "security.protocol", "PLAINTEXT"), Catalogue.clientProperties(plain));
    }

    @Test
    void saslOverTlsSettingsPassThroughToEveryClient() {
        Kafka secured = new Kafka("b:9093", "SASL_SSL", Optional.of("SCRAM-SHA-512"),
                Optional.of("org.apache.kafka.common.security.scram.ScramLoginModule required username=u password=p;"),
                Optional.of("/etc/kafka/truststore.p12"), Optional.of("changeit"), Optional.empty(), Optional.empty(), Optional.empty());
        Map<String, Object> props = Catalogue.clientProperties(secured);
        assertEquals("SASL_SSL", props.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", props.get("sasl.mechanism"));
        assertEquals("/etc/kafka/truststore.p12", props.get("ssl.truststore.location"));
        assertEquals("changeit", props.get("ssl.truststore.password"));
        assertEquals(6, props.size(), "nothing unset is passed: " + props.keySet());
    }
}
