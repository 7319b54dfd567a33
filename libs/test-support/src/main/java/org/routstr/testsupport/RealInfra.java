package org.routstr.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a real PostgreSQL database (fresh and migrated for the class) and a real Kafka broker: parameters of
 * type {@link TestDb}, {@link javax.sql.DataSource} or {@link org.routstr.common.kafka.KafkaSettings} are injected into
 * constructors, lifecycle and test methods.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(InfraExtension.class)
public @interface RealInfra {
}
