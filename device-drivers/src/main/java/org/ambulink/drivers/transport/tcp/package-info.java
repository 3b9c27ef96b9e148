/**
 * MLLP over TCP: the listener monitors connect to (default port 2575) and a client for the
 * simulator, tests and benchmarks.
 */
package org.ambulink.drivers.transport.tcp;
