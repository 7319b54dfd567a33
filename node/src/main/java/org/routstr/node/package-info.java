/**
 * The single-machine launcher: every service in one JVM, with embedded PostgreSQL and Kafka.
 */
package org.routstr.node;
