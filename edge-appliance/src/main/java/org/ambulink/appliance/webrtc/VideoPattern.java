package org.ambulink.appliance.webrtc;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * The synthetic dash-camera picture: static colour bars along the top, a bar sweeping left to right
 * once every two seconds, the wall clock ({@code HH:mm:ss.SSS}) in big digits and the frame number
 * below it, so a viewer sees at a glance that the picture is live and how old it is.
 *
 * <p>Drawn with {@code java.awt} into one reused {@link BufferedImage} ({@code TYPE_INT_RGB}, no
 * display needed: the class sets {@code java.awt.headless=true} unless the property is already
 * set). The digits are seven-segment shapes made of rectangles, not a font, so nothing depends on
 * the fonts installed and the picture of a given time and frame is always the same. Not
 * thread-safe: one renderer per thread.
 */
public final class VideoPattern {
  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  /** Segments a..g of the digits 0-9, bit 0 = a (top), clockwise, bit 6 = g (middle). */
  private static final int[] SEGMENTS = {
    0b0111111, 0b0000110, 0b1011011, 0b1001111, 0b1100110,
    0b1101101, 0b1111101, 0b0000111, 0b1111111, 0b1101111
  };

  private static final Color[] BARS = {
    Color.WHITE,
    Color.YELLOW,
    Color.CYAN,
    Color.GREEN,
    Color.MAGENTA,
    Color.RED,
    Color.BLUE,
    Color.BLACK
  };
  private static final Color BACKGROUND = new Color(0x20, 0x28, 0x30);
  private static final Color SWEEP = new Color(0xFF, 0x8C, 0x00);
  private static final Color BOX = Color.BLACK;
  private static final Color DIGIT = Color.WHITE;
  private static final Color COUNTER = new Color(0x7C, 0xFC, 0x00);
  private static final long SWEEP_MILLIS = 2_000;
  private static final int COUNTER_DIGITS = 8;

  private final int width;
  private final int height;
  private final BufferedImage image;
  private final Graphics2D g;
  private final int[] pixels;
  private final int[] background;
  private final int barTop;
  private final int clockDigitHeight;
  private final int clockX;
  private final int clockY;
  private final int counterDigitHeight;
  private final int counterX;
  private final int counterY;
  private final int[] clockDigits = new int[9]; // HHmmssSSS
  private final int[] counterDigits = new int[COUNTER_DIGITS];

  public VideoPattern(int width, int height) {
    if (width < 16 || height < 16) {
      throw new IllegalArgumentException("pattern too small: " + width + "x" + height);
    }
    this.width = width;
    this.height = height;
    this.image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    this.pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    this.g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);

    // the static part, drawn once and copied into every frame
    barTop = Math.max(2, height / 8);
    g.setColor(BACKGROUND);
    g.fillRect(0, 0, width, height);
    for (int i = 0; i < BARS.length; i++) {
      int x0 = i * width / BARS.length;
      int x1 = (i + 1) * width / BARS.length;
      g.setColor(BARS[i]);
      g.fillRect(x0, 0, x1 - x0, barTop);
    }
    this.background = pixels.clone();

    // the clock: 9 digits, 2 colons, 1 dot, about 7.2 digit heights wide: 90 % of the width at most
    clockDigitHeight = Math.max(8, Math.min(width / 8, height / 4));
    clockX = (width - clockWidth(clockDigitHeight)) / 2;
    clockY = barTop + (height - barTop) / 2 - clockDigitHeight * 3 / 4;
    counterDigitHeight = Math.max(6, clockDigitHeight * 2 / 5);
    counterX = clockX;
    counterY = clockY + clockDigitHeight + clockDigitHeight / 2;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** The picture (owned by this renderer, overwritten by every {@link #render}). */
  public BufferedImage image() {
    return image;
  }

  /** The picture's pixels, {@code 0x00RRGGBB} row by row (the image's own array, not a copy). */
  public int[] pixels() {
    return pixels;
  }

  /**
   * Draws the frame for a wall-clock time and frame number.
   *
   * @param millisOfDay the local time of day, in milliseconds since midnight (0 to 86,399,999)
   * @param frame the frame number (the last 8 digits are shown)
   */
  public void render(long millisOfDay, long frame) {
    long t = Math.floorMod(millisOfDay, 86_400_000L);
    System.arraycopy(background, 0, pixels, 0, pixels.length);

    // the sweeping bar, below the colour bars
    int barWidth = Math.max(4, width / 24);
    int x = (int) ((t % SWEEP_MILLIS) * (width - barWidth) / SWEEP_MILLIS);
    g.setColor(SWEEP);
    g.fillRect(x, barTop, barWidth, height - barTop);

    // the clock
    int ms = (int) (t % 1000);
    int s = (int) (t / 1000 % 60);
    int m = (int) (t / 60_000 % 60);
    int h = (int) (t / 3_600_000);
    clockDigits[0] = h / 10;
    clockDigits[1] = h % 10;
    clockDigits[2] = m / 10;
    clockDigits[3] = m % 10;
    clockDigits[4] = s / 10;
    clockDigits[5] = s % 10;
    clockDigits[6] = ms / 100;
    clockDigits[7] = ms / 10 % 10;
    clockDigits[8] = ms % 10;
    int dh = clockDigitHeight;
    int pad = Math.max(2, dh / 8);
    g.setColor(BOX);
    g.fillRect(clockX - pad, clockY - pad, clockWidth(dh) + 2 * pad, dh + 2 * pad);
    g.setColor(DIGIT);
    int cx = clockX;
    for (int i = 0; i < 9; i++) {
      cx = digit(clockDigits[i], cx, clockY, dh);
      if (i == 1 || i == 3) {
        cx = colon(cx, clockY, dh);
      } else if (i == 5) {
        cx = dot(cx, clockY, dh);
      }
    }

    // the frame counter
    long n = Math.floorMod(frame, 100_000_000L);
    for (int i = COUNTER_DIGITS - 1; i >= 0; i--) {
      counterDigits[i] = (int) (n % 10);
      n /= 10;
    }
    int ch = counterDigitHeight;
    int cpad = Math.max(2, ch / 8);
    g.setColor(BOX);
    g.fillRect(
        counterX - cpad,
        counterY - cpad,
        COUNTER_DIGITS * digitAdvance(ch) + 2 * cpad,
        ch + 2 * cpad);
    g.setColor(COUNTER);
    int fx = counterX;
    for (int i = 0; i < COUNTER_DIGITS; i++) {
      fx = digit(counterDigits[i], fx, counterY, ch);
    }
  }

  private static int digitWidth(int dh) {
    return dh * 11 / 20;
  }

  private static int digitAdvance(int dh) {
    return digitWidth(dh) + Math.max(2, dh * 3 / 20);
  }

  private static int separatorAdvance(int dh) {
    return Math.max(4, dh * 3 / 10);
  }

  private static int clockWidth(int dh) {
    return 9 * digitAdvance(dh) + 3 * separatorAdvance(dh);
  }

  /** Draws one seven-segment digit with its top-left at (x, y); returns the next x. */
  private int digit(int d, int x, int y, int dh) {
    int w = digitWidth(dh);
    int t = Math.max(2, dh / 9);
    int half = dh / 2;
    int bits = SEGMENTS[d];
    if ((bits & 1) != 0) { // a: top
      g.fillRect(x, y, w, t);
    }
    if ((bits & 2) != 0) { // b: top right
      g.fillRect(x + w - t, y, t, half + t / 2);
    }
    if ((bits & 4) != 0) { // c: bottom right
      g.fillRect(x + w - t, y + half - t / 2, t, dh - half + t / 2);
    }
    if ((bits & 8) != 0) { // d: bottom
      g.fillRect(x, y + dh - t, w, t);
    }
    if ((bits & 16) != 0) { // e: bottom left
      g.fillRect(x, y + half - t / 2, t, dh - half + t / 2);
    }
    if ((bits & 32) != 0) { // f: top left
      g.fillRect(x, y, t, half + t / 2);
    }
    if ((bits & 64) != 0) { // g: middle
      g.fillRect(x, y + half - t / 2, w, t);
    }
    return x + digitAdvance(dh);
  }

  private int colon(int x, int y, int dh) {
    int t = Math.max(2, dh / 8);
    g.fillRect(x, y + dh / 3 - t / 2, t, t);
    g.fillRect(x, y + dh * 2 / 3 - t / 2, t, t);
    return x + separatorAdvance(dh);
  }

  private int dot(int x, int y, int dh) {
    int t = Math.max(2, dh / 8);
    g.fillRect(x, y + dh - t, t, t);
    return x + separatorAdvance(dh);
  }
}
