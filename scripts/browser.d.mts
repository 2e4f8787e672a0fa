import type { Browser } from 'playwright-core';

export interface StaticSite {
  url: string;
  close: () => Promise<void>;
}
export function serveStatic(dir: string, base?: string): Promise<StaticSite>;
export function launchChromium(): Promise<Browser>;
