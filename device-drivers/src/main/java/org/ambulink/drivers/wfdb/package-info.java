/**
 * Reading PhysioNet WFDB records (header, signal files, MIT annotation files) with every sample
 * checked against the header's checksums, so replayed ECG is bit-exact to the published record.
 */
package org.ambulink.drivers.wfdb;
