package org.ambulink.appliance.webrtc;

import dev.onvoid.webrtc.media.video.I420Buffer;
import java.nio.ByteBuffer;

/**
 * RGB to I420 (YUV 4:2:0) in plain Java, into planes allocated once: nothing is allocated per
 * frame. BT.601 studio swing, the same integer arithmetic as libyuv's {@code ARGBToI420} (Y 16–235,
 * U and V 16–240; chroma from the average of each 2×2 block). Not thread-safe.
 */
public final class VideoI420 {
  private final int width;
  private final int height;
  private final int chromaWidth;
  private final int chromaHeight;
  private final byte[] y;
  private final byte[] u;
  private final byte[] v;

  public VideoI420(int width, int height) {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("bad size " + width + "x" + height);
    }
    this.width = width;
    this.height = height;
    this.chromaWidth = (width + 1) / 2;
    this.chromaHeight = (height + 1) / 2;
    this.y = new byte[width * height];
    this.u = new byte[chromaWidth * chromaHeight];
    this.v = new byte[chromaWidth * chromaHeight];
  }

  /** The luma plane, {@code width} bytes a row (the converter's own array). */
  public byte[] y() {
    return y;
  }

  /** The U plane, {@code (width + 1) / 2} bytes a row. */
  public byte[] u() {
    return u;
  }

  /** The V plane, {@code (width + 1) / 2} bytes a row. */
  public byte[] v() {
    return v;
  }

  /** Converts {@code width × height} pixels {@code 0x??RRGGBB} (alpha ignored), row by row. */
  public void convert(int[] rgb) {
    if (rgb.length < width * height) {
      throw new IllegalArgumentException("need " + width * height + " pixels, got " + rgb.length);
    }
    for (int row = 0; row < height; row += 2) {
      int r0 = row * width;
      int r1 = (row + 1 < height ? row + 1 : row) * width;
      int c = (row >> 1) * chromaWidth;
      for (int col = 0; col < width; col += 2) {
        int col1 = col + 1 < width ? col + 1 : col;
        int p00 = rgb[r0 + col];
        int p01 = rgb[r0 + col1];
        int p10 = rgb[r1 + col];
        int p11 = rgb[r1 + col1];
        y[r0 + col] = luma(p00);
        y[r0 + col1] = luma(p01);
        y[r1 + col] = luma(p10);
        y[r1 + col1] = luma(p11);
        int r = (red(p00) + red(p01) + red(p10) + red(p11) + 2) >> 2;
        int g = (green(p00) + green(p01) + green(p10) + green(p11) + 2) >> 2;
        int b = (blue(p00) + blue(p01) + blue(p10) + blue(p11) + 2) >> 2;
        int ci = c + (col >> 1);
        u[ci] = (byte) (((-38 * r - 74 * g + 112 * b + 0x8080) >> 8));
        v[ci] = (byte) (((112 * r - 94 * g - 18 * b + 0x8080) >> 8));
      }
    }
  }

  /** Copies the planes into {@code buffer} (same size), honouring its strides. No allocation. */
  public void copyTo(I420Buffer buffer) {
    if (buffer.getWidth() != width || buffer.getHeight() != height) {
      throw new IllegalArgumentException(
          "buffer is "
              + buffer.getWidth()
              + "x"
              + buffer.getHeight()
              + ", the converter "
              + width
              + "x"
              + height);
    }
    copyPlane(y, width, height, buffer.getDataY(), buffer.getStrideY());
    copyPlane(u, chromaWidth, chromaHeight, buffer.getDataU(), buffer.getStrideU());
    copyPlane(v, chromaWidth, chromaHeight, buffer.getDataV(), buffer.getStrideV());
  }

  private static void copyPlane(byte[] src, int w, int h, ByteBuffer dst, int stride) {
    if (stride == w) {
      dst.put(0, src, 0, w * h);
    } else {
      for (int row = 0; row < h; row++) {
        dst.put(row * stride, src, row * w, w);
      }
    }
  }

  private static byte luma(int p) {
    return (byte) ((66 * red(p) + 129 * green(p) + 25 * blue(p) + 0x1080) >> 8);
  }

  private static int red(int p) {
    return (p >> 16) & 0xFF;
  }

  private static int green(int p) {
    return (p >> 8) & 0xFF;
  }

  private static int blue(int p) {
    return p & 0xFF;
  }
}
