"""Output-size formulas against values worked by hand from torch's definitions."""

from notegen.ops.arithmetic import adaptive_windows, conv_out, effective_kernel, pool_out, same_padding


def test_conv_out_textbook_cases() -> None:
    assert conv_out(64, 3, 1, 2) == 64          # (64+2-3)/1+1
    assert conv_out(224, 7, 2, 6) == 112        # ResNet stem: floor(223/2)+1
    assert conv_out(224, 11, 4, 4) == 55        # AlexNet conv1: floor(217/4)+1
    assert conv_out(10, 3, 2, 2, d=2) == 4      # k_eff 5: floor(7/2)+1


def test_effective_kernel() -> None:
    assert effective_kernel(3, 1) == 3
    assert effective_kernel(3, 2) == 5
    assert effective_kernel(3, 4) == 9


def test_pool_floor_and_ceil() -> None:
    assert pool_out(7, 2, 2, 0, ceil=False) == 3   # floor(5/2)+1
    assert pool_out(7, 2, 2, 0, ceil=True) == 4    # ceil(5/2)+1; last window starts at 6 < 7
    assert pool_out(55, 3, 2, 0, ceil=False) == 27


def test_ceil_mode_drops_window_starting_in_padding() -> None:
    # n=5, k=2, s=2, p=1: ceil((5+2-2)/2)+1 = 4, but window 4 would start at 3·2 = 6 >= 5+1.
    assert pool_out(5, 2, 2, 1, ceil=True) == 3
    assert pool_out(5, 2, 2, 1, ceil=False) == 3


def test_same_padding_puts_odd_pixel_right() -> None:
    assert same_padding(3, 1) == (1, 1)
    assert same_padding(4, 1) == (1, 2)
    assert same_padding(3, 2) == (2, 2)


def test_adaptive_windows_match_torch_rule() -> None:
    # start = floor(i·n/o), end = ceil((i+1)·n/o)
    assert adaptive_windows(6, 6) == [(i, i + 1) for i in range(6)]
    assert adaptive_windows(5, 3) == [(0, 2), (1, 4), (3, 5)]
