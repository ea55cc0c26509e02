/**
 * Waits of the browser tests for a state that has settled, not for a moment that merely looks
 * like it: an antd popup (modal, drawer, dropdown) whose opening or closing animation has ended,
 * a layout that has stopped changing, an OpenLayers map that has rendered its current view.
 * On a loaded machine (CI runs all browser files at once on two cores) a click computed while a
 * popup still moves lands beside its target and is lost.
 */
import type { Locator, Page } from 'playwright-core';

/**
 * In the page: true once the element and its ancestors carry no motion class (rc-motion's
 * `…-appear`, `…-enter`, `…-leave` and their `-prepare/-start/-active` steps), run no finite
 * animation, and the element's box has been the same for three frames; false when the element
 * went away (a closing popup) or is still moving after five seconds.
 */
const restsInPage = (el: Element): Promise<boolean> =>
  new Promise((resolve) => {
    const motion = /-(appear|enter|leave)(-(prepare|start|active))?$/;
    const started = performance.now();
    let last = '';
    let same = 0;
    const tick = () => {
      if (!el.isConnected) return resolve(false);
      let moving = false;
      for (let n: Element | null = el; n && !moving; n = n.parentElement)
        for (const c of Array.from(n.classList)) if (motion.test(c)) moving = true;
      if (!moving)
        moving = document.getAnimations().some((a) => {
          const target = (a.effect as KeyframeEffect | null)?.target;
          return (
            !!target &&
            target.contains(el) &&
            (a.playState === 'running' || a.playState === 'paused') &&
            Number.isFinite(a.effect?.getComputedTiming().endTime ?? Number.POSITIVE_INFINITY)
          );
        });
      const r = el.getBoundingClientRect();
      const box = `${r.x},${r.y},${r.width},${r.height}`;
      same = !moving && box === last && r.width > 0 ? same + 1 : 0;
      last = box;
      if (same >= 3) return resolve(true);
      if (performance.now() - started > 5000) return resolve(false);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });

/** Waits until the (single) element of `target` is visible and at rest (see restsInPage). */
export async function atRest(target: Locator, timeout = 30_000): Promise<void> {
  const until = Date.now() + timeout;
  for (;;) {
    await target.waitFor({ state: 'visible', timeout: Math.max(1, until - Date.now()) });
    if (await target.evaluate(restsInPage)) return;
    if (Date.now() > until) throw new Error(`元素在 ${timeout} ms 内没有停止动画：${target}`);
  }
}

/** Clicks an element of a popup (or anything that may still move) once it is at rest. */
export async function clickAtRest(target: Locator): Promise<void> {
  await atRest(target);
  await target.click();
}

/** The visible option of the open antd select dropdown with this text, clicked once the dropdown is at rest. */
export async function clickOption(page: Page, text: string | RegExp): Promise<void> {
  await clickAtRest(page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: text }).first());
}

/** Pixels by which the document is wider than the window, read once the layout has been the same for three frames. */
export function settledOverflow(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let last = Number.NaN;
        let same = 0;
        const tick = () => {
          const v = document.documentElement.scrollWidth - window.innerWidth;
          same = v === last ? same + 1 : 0;
          last = v;
          if (same >= 3) resolve(v);
          else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }),
  );
}

/** The OpenLayers maps the pages expose on `window` for the tests. */
export type TestMap = 'gridMap' | 'elementMap';

interface OlMapLike {
  getView(): { getAnimating(): boolean; getInteracting(): boolean };
  renderSync(): void;
  getPixelFromCoordinate(c: number[]): number[];
}

/**
 * Pixels (relative to the map element) of coordinates on a test map, once its view has stopped
 * animating (a fit with a duration) and after rendering it, so that the pixels are those a click
 * will hit rather than those of the last frame drawn.
 */
export async function mapPixels(page: Page, map: TestMap, coords: number[][]): Promise<number[][]> {
  await page.waitForFunction((name) => {
    const m = (window as unknown as Record<string, OlMapLike | undefined>)[name];
    return !!m && !m.getView().getAnimating() && !m.getView().getInteracting();
  }, map);
  return page.evaluate(
    ([name, cs]) => {
      const m = (window as unknown as Record<string, OlMapLike>)[name as string];
      m.renderSync();
      return (cs as number[][]).map((c) => m.getPixelFromCoordinate(c));
    },
    [map, coords] as const,
  );
}
