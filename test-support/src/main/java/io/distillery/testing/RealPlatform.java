package io.distillery.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks an integration test that needs a real Kafka broker and schema registry. Test methods
 * (or constructors, or lifecycle methods) take a {@link TestPlatform} parameter; the platform
 * is started once per test JVM and stopped when the run ends.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("integration")
@ExtendWith(RealPlatformExtension.class)
public @interface RealPlatform {
}
