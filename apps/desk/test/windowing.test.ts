// Which rows of a long list are rendered for a scroll position.
import { describe, expect, it } from 'vitest';
import { windowOf } from '../src/windowing';

describe('windowOf', () => {
  it('renders the rows in view and the overscan around them; the rest is padding of the same height', () => {
    const w = windowOf(1000, 8000, 800, 80, 5);
    expect(w).toEqual({ start: 95, end: 115, padTop: 95 * 80, padBottom: (1000 - 115) * 80 });
  });
  it('clamps at the top and at the end of the list', () => {
    expect(windowOf(30, 0, 800, 80, 5)).toEqual({ start: 0, end: 15, padTop: 0, padBottom: 15 * 80 });
    expect(windowOf(30, 5000, 800, 80, 5)).toEqual({ start: 30, end: 30, padTop: 30 * 80, padBottom: 0 });
    expect(windowOf(0, 0, 800, 80)).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 });
  });
});
