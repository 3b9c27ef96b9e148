package org.ambulink.appliance.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The synthetic picture and the RGB to I420 conversion, without WebRTC. */
class VideoPatternTest {

  private static long at(int h, int m, int s, int ms) {
    return ((h * 60L + m) * 60 + s) * 1000 + ms;
  }

  @Test
  void theClockDigitsChangeThePicture() {
    VideoPattern pattern = new VideoPattern(320, 180);
    // 2 000 ms apart: the sweeping bar is back at the same place, only the clock differs
    pattern.render(at(12, 34, 56, 789), 42);
    int[] first = pattern.pixels().clone();
    pattern.render(at(12, 34, 58, 789), 42);
    int[] second = pattern.pixels().clone();
    assertThat(second).isNotEqualTo(first);

    // the same time and frame give the same picture: nothing but the inputs changes it
    pattern.render(at(12, 34, 56, 789), 42);
    assertThat(pattern.pixels()).isEqualTo(first);

    // only the clock's box differs (the sweeping bar is at the same place), not the colour bars
    int rowsChanged = 0;
    for (int y = 0; y < 180; y++) {
      if (!Arrays.equals(first, y * 320, (y + 1) * 320, second, y * 320, (y + 1) * 320)) {
        rowsChanged++;
        assertThat(y).as("a changed row is below the colour bars").isGreaterThanOrEqualTo(180 / 8);
      }
    }
    assertThat(rowsChanged).isGreaterThan(10);
  }

  @Test
  void everyClockDigitAndTheFrameCounterShow() {
    VideoPattern pattern = new VideoPattern(640, 360);
    pattern.render(at(0, 0, 0, 0), 0);
    int[] zero = pattern.pixels().clone();
    // a millisecond later (the bar moves by less than a pixel) and the last digit differs
    pattern.render(at(0, 0, 0, 1), 0);
    assertThat(pattern.pixels()).isNotEqualTo(zero);
    // another frame number, same time: the counter differs
    pattern.render(at(0, 0, 0, 0), 1);
    assertThat(pattern.pixels()).isNotEqualTo(zero);
    // 23:59:59.999 renders (no digit out of range)
    pattern.render(at(23, 59, 59, 999), 99_999_999L);
  }

  @Test
  void theBarSweeps() {
    VideoPattern pattern = new VideoPattern(320, 180);
    pattern.render(at(1, 0, 0, 0), 0);
    int[] a = pattern.pixels().clone();
    pattern.render(at(1, 0, 2, 500), 0); // clock differs too, but so does the bottom row's bar
    int[] b = pattern.pixels();
    int bottom = 179 * 320;
    assertThat(Arrays.copyOfRange(b, bottom, bottom + 320))
        .isNotEqualTo(Arrays.copyOfRange(a, bottom, bottom + 320));
  }

  @Test
  void i420OfSolidColoursIsBt601StudioSwing() {
    // colour → expected Y, U, V (BT.601, 16-235 / 16-240), within 1 for rounding
    int[][] cases = {
      {0xFFFFFF, 235, 128, 128},
      {0x000000, 16, 128, 128},
      {0xFF0000, 82, 90, 240},
      {0x00FF00, 145, 54, 34},
      {0x0000FF, 41, 240, 110},
      {0x808080, 126, 128, 128},
    };
    int w = 6;
    int h = 4;
    VideoI420 i420 = new VideoI420(w, h);
    for (int[] c : cases) {
      int[] rgb = new int[w * h];
      Arrays.fill(rgb, c[0]);
      i420.convert(rgb);
      String colour = String.format("#%06X", c[0]);
      assertThat(i420.y()).hasSize(w * h);
      assertThat(i420.u()).hasSize(w / 2 * h / 2);
      for (byte y : i420.y()) {
        assertThat(y & 0xFF).as("Y of %s", colour).isBetween(c[1] - 1, c[1] + 1);
      }
      for (byte u : i420.u()) {
        assertThat(u & 0xFF).as("U of %s", colour).isBetween(c[2] - 1, c[2] + 1);
      }
      for (byte v : i420.v()) {
        assertThat(v & 0xFF).as("V of %s", colour).isBetween(c[3] - 1, c[3] + 1);
      }
    }
  }

  @Test
  void chromaIsTheAverageOfEachTwoByTwoBlock() {
    // left half white, right half black, with the boundary inside a 2×2 block of odd width
    int w = 3;
    int h = 2;
    VideoI420 i420 = new VideoI420(w, h);
    int[] rgb = {0xFFFFFF, 0x000000, 0xFF0000, 0xFFFFFF, 0x000000, 0xFF0000};
    i420.convert(rgb);
    assertThat(i420.y()[0] & 0xFF).isEqualTo(235);
    assertThat(i420.y()[1] & 0xFF).isEqualTo(16);
    assertThat(i420.y()[2] & 0xFF).isBetween(81, 83);
    assertThat(i420.u()).hasSize(2);
    assertThat(i420.u()[0] & 0xFF).isEqualTo(128); // grey average: neutral chroma
    assertThat(i420.v()[1] & 0xFF).isBetween(239, 241); // the red column alone
  }
}
