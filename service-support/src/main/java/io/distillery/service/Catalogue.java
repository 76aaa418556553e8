package io.distillery.service;

import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topic;
import jakarta.enterprise.context.ApplicationScoped;

/** The topic catalogue as this deployment sees it: prefixed names, the configured registry. */
@ApplicationScoped
public class Catalogue {

    private final ServiceConfig config;

    public Catalogue(ServiceConfig config) {
        this.config = config;
    }

    /** A catalogue topic under this deployment's prefix. */
    public <V> Topic<V> topic(Topic<V> catalogued) {
        return catalogued.withPrefix(config.topics().prefix());
    }

    public RegistryConfig registry() {
        return new RegistryConfig(config.registry().url(), config.registry().autoRegister());
    }

    public String bootstrapServers() {
        return config.kafka().bootstrapServers();
    }
}
