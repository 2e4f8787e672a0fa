// The implementation is plain ESM in scripts/ so the screenshot script shares it unbuilt.
export { launchChromium, serveStatic, type StaticSite } from '../../scripts/browser.mjs';
