package io.distillery.service;

import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topic;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;

/** The topic catalogue as this deployment sees it: prefixed names, the configured registry. */
@ApplicationScoped
public class Catalogue {

    private final ServiceConfig config;

    public Catalogue(ServiceConfig config) {
        this.config = config;
    }

    /** A catalogue topic under this deployment's prefix. */
    public <V> Topic<V> topic(Topic<V> catalogued) {
        return catalogued.withPrefix(prefix());
    }

    /** The topic prefix of this deployment ("" for none). */
    public String prefix() {
        return config.topics().prefix().orElse("");
    }

    public RegistryConfig registry() {
        return new RegistryConfig(config.registry().url(), config.registry().autoRegister());
    }

    public String bootstrapServers() {
        return config.kafka().bootstrapServers();
    }

    /** What every Kafka client of the service is created with: the cluster and its security settings. */
    public Map<String, Object> clientProperties() {
        return clientProperties(config.kafka());
    }

    static Map<String, Object> clientProperties(ServiceConfig.Kafka kafka) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("security.protocol", kafka.securityProtocol());
        kafka.saslMechanism().ifPresent(v -> props.put("sasl.mechanism", v));
        kafka.saslJaasConfig().ifPresent(v -> props.put("sasl.jaas.config", v));
        kafka.sslTruststoreLocation().ifPresent(v -> props.put("ssl.truststore.location", v));
        kafka.sslTruststorePassword().ifPresent(v -> props.put("ssl.truststore.password", v));
        kafka.sslKeystoreLocation().ifPresent(v -> props.put("ssl.keystore.location", v));
        kafka.sslKeystorePassword().ifPresent(v -> props.put("ssl.keystore.password", v));
        kafka.sslKeyPassword().ifPresent(v -> props.put("ssl.key.password", v));
        return props;
    }
}
