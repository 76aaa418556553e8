package io.distillery.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Where the platform is, for every service (defaults in META-INF/microprofile-config.properties). */
@ConfigMapping(prefix = "distillery")
public interface ServiceConfig {

    Kafka kafka();

    Registry registry();

    Topics topics();

    /** The cluster and how every client of the service reaches it (security passes through to all of them). */
    interface Kafka {
        /** Bootstrap servers of the cluster. */
        String bootstrapServers();

        /** PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL. */
        @WithDefault("PLAINTEXT")
        String securityProtocol();

        /** e.g. PLAIN, SCRAM-SHA-512, OAUTHBEARER (SASL protocols). */
        Optional<String> saslMechanism();

        /** The JAAS login line (a secret: never logged). */
        Optional<String> saslJaasConfig();

        /** Trust store for the brokers' certificates (SSL protocols). */
        Optional<String> sslTruststoreLocation();

        Optional<String> sslTruststorePassword();

        /** Key store with the client's certificate (mutual TLS). */
        Optional<String> sslKeystoreLocation();

        Optional<String> sslKeystorePassword();

        Optional<String> sslKeyPassword();
    }

    interface Registry {
        /** Base URL of the schema registry (Apicurio; its Confluent API is under /apis/ccompat/v7). */
        String url();

        /** Whether producers register their schemas on first use. */
        @WithDefault("true")
        boolean autoRegister();
    }

    interface Topics {
        /**
         * Put before every catalogue topic name, so deployments can share a cluster; none by default.
         * Optional, because configuration treats an empty value as a missing one.
         */
        Optional<String> prefix();
    }
}
