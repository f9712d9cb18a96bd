// A long list renders only the rows in view of its scrolling element (and a few around them), so the
// inbox and History stay light however many pages are loaded. Rows are of one height (a conversation
// row), measured from the rendered rows; the rows out of view are padding above and below. The list is
// the first thing in its scrolling element.
import { useCallback, useEffect, useLayoutEffect, useState } from 'react';

export interface RowWindow {
  /** first row rendered */
  start: number;
  /** one past the last row rendered */
  end: number;
  /** px above the first rendered row and below the last, standing for the rows not rendered */
  padTop: number;
  padBottom: number;
}

/** The rows to render for a scroll position: those in the viewport and `overscan` more each side. */
export function windowOf(count: number, scrollTop: number, viewport: number, stride: number, overscan = 8): RowWindow {
  const first = Math.max(0, Math.floor(scrollTop / stride) - overscan);
  const start = Math.min(first, count);
  const end = Math.min(count, Math.ceil((scrollTop + viewport) / stride) + overscan);
  return { start, end: Math.max(start, end), padTop: start * stride, padBottom: Math.max(0, count - Math.max(start, end)) * stride };
}

/**
 * The window of a list of `count` rows inside `scroller`; `measure` takes the list element so the row
 * stride (height and gap) is read from two rendered rows. `scrollToIndex` brings a row into view even
 * when it is not rendered.
 */
export function useRowWindow(scroller: HTMLElement | null, count: number, estimate: number) {
  const [stride, setStride] = useState(estimate);
  const [view, setView] = useState({ top: 0, height: 800 });
  const [list, setList] = useState<HTMLElement | null>(null);

  useEffect(() => {
    if (!scroller) return;
    const read = () => setView({ top: scroller.scrollTop, height: scroller.clientHeight });
    read();
    scroller.addEventListener('scroll', read, { passive: true });
    const resized = new ResizeObserver(read);
    resized.observe(scroller);
    return () => {
      scroller.removeEventListener('scroll', read);
      resized.disconnect();
    };
  }, [scroller]);

  // the stride from the first two rendered rows (their height and the gap between them)
  useLayoutEffect(() => {
    const rows = list?.querySelectorAll<HTMLElement>(':scope > [data-row]');
    if (!rows || rows.length < 2) return;
    const measured = rows[1]!.offsetTop - rows[0]!.offsetTop;
    if (measured > 0 && measured !== stride) setStride(measured);
  });

  const scrollToIndex = useCallback(
    (i: number) => {
      if (!scroller) return;
      const top = i * stride;
      if (top < scroller.scrollTop) scroller.scrollTop = top;
      else if (top + stride > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = top + stride - scroller.clientHeight;
    },
    [scroller, stride],
  );

  return { window: windowOf(count, Math.max(0, view.top), view.height, stride), measure: setList, scrollToIndex };
}
