package dev.animegan.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.animegan.core.testing.TestImages;
import org.junit.jupiter.api.Test;

class ColorPreservationTest {
  @Test
  void theOutputGetsTheInputsChromaMeanAndSpreadAndLightnessMean() {
    RgbImage input = TestImages.pattern(48, 32);
    // a dark, blue-tinted, washed-out "stylisation" of the input
    RgbImage styled = RgbImage.blank(48, 32);
    for (int i = 0; i < input.data().length; i += 3) {
      styled.data()[i] = (byte) ((input.data()[i] & 0xFF) / 3);
      styled.data()[i + 1] = (byte) ((input.data()[i + 1] & 0xFF) / 3);
      styled.data()[i + 2] = (byte) Math.min(255, (input.data()[i + 2] & 0xFF) / 3 + 60);
    }
    RgbImage fixed = ColorPreservation.apply(input, styled);
    double[] in = ColorPreservation.stats(ColorPreservation.lab(input));
    double[] before = ColorPreservation.stats(ColorPreservation.lab(styled));
    double[] after = ColorPreservation.stats(ColorPreservation.lab(fixed));
    assertEquals(in[0], after[0], 1.5, "L mean");
    assertEquals(before[1], after[1], 2.5, "L spread kept (the style's contrast)");
    assertEquals(in[2], after[2], 2.5, "a* mean");
    assertEquals(in[4], after[4], 2.5, "b* mean");
    // spreads: this pattern reaches the sRGB gamut's corners, where clipping takes back a little
    assertEquals(in[3], after[3], 4.0, "a* spread");
    assertEquals(in[5], after[5], 4.0, "b* spread");
    assertEquals(0, Math.abs(in[5] - after[5]) < Math.abs(in[5] - before[5]) ? 0 : 1, "b* spread moved towards the input's");
  }

  @Test
  void anImageAlreadyWithTheInputsStatisticsStaysWithinRounding() {
    RgbImage input = TestImages.pattern(40, 30);
    RgbImage same = ColorPreservation.apply(input, input);
    int worst = 0;
    for (int i = 0; i < input.data().length; i++) {
      worst = Math.max(worst, Math.abs((input.data()[i] & 0xFF) - (same.data()[i] & 0xFF)));
    }
    assertEquals(0, worst, 1, "largest change in levels");
  }
}
