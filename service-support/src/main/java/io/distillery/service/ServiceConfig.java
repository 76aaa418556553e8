package io.distillery.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the platform is, for every service (defaults in META-INF/microprofile-config.properties). */
@ConfigMapping(prefix = "distillery")
public interface ServiceConfig {

    Kafka kafka();

    Registry registry();

    Topics topics();

    interface Kafka {
        /** Bootstrap servers of the cluster. */
        String bootstrapServers();
    }

    interface Registry {
        /** Base URL of the schema registry (Apicurio; its Confluent API is under /apis/ccompat/v7). */
        String url();

        /** Whether producers register their schemas on first use. */
        @WithDefault("true")
        boolean autoRegister();
    }

    interface Topics {
        /** Put before every catalogue topic name, so deployments can share a cluster; empty by default. */
        @WithDefault("")
        String prefix();
    }
}
