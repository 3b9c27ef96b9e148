package org.ambulink.appliance.journal;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The journal ({@code ambulink.journal.*}); every key is documented in config/README.md.
 *
 * @param directory folder of the journal's files
 * @param keyFile the AES-256 key (base64 or 32 raw bytes); empty: {@code directory/journal.key}.
 *     The environment variable {@code AMBULINK_JOURNAL_KEY} (base64), when set, wins.
 * @param generateKey create a random key file when there is none (demo, first start)
 * @param commitWindow longest an append waits for others to share its commit (and fsync)
 * @param maxBatchEntries a commit starts early once this many entries are waiting
 * @param onCorruption {@code salvage}: move a damaged store aside and copy what is readable into a
 *     new one, and warn the crew; {@code fail}: refuse to start
 * @param diskCap journaled bytes above which delivered waveforms are purged, oldest first
 * @param warnAtPercent crew warning once journaled bytes pass this share of the cap
 * @param retentionAfterHandover a closed transport is deleted this long after every delivery
 *     consumer has all of it
 * @param deliveryConsumers consumers that must have delivered data before it counts as delivered
 * @param purgeInterval how often the cap and retention are checked
 */
@Validated
@ConfigurationProperties("ambulink.journal")
public record JournalProperties(
    @DefaultValue("data") Path directory,
    @DefaultValue("") String keyFile,
    @DefaultValue("false") boolean generateKey,
    @DefaultValue("20ms") Duration commitWindow,
    @Min(1) @DefaultValue("10000") int maxBatchEntries,
    @DefaultValue("salvage") OnCorruption onCorruption,
    @DefaultValue("2GB") DataSize diskCap,
    @Min(1) @Max(100) @DefaultValue("80") int warnAtPercent,
    @DefaultValue("72h") Duration retentionAfterHandover,
    @NotEmpty @DefaultValue({"console", "ehr"}) List<String> deliveryConsumers,
    @DefaultValue("30s") Duration purgeInterval) {

  /** What to do when the store cannot be opened. */
  public enum OnCorruption {
    SALVAGE,
    FAIL
  }

  public Path file() {
    return directory.resolve("journal.db");
  }

  public Path resolvedKeyFile() {
    return keyFile.isBlank() ? directory.resolve("journal.key") : Path.of(keyFile);
  }
}
