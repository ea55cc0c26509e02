/**
 * One multi-page build for every web area: PC back office (/), mobile H5 (/m/), workflow
 * console (/console/) and big screens (/screen/). The API serves web/dist (api/app.ts).
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Big, rarely-changing libraries in their own chunks so that app changes keep them cached and
 * the mobile pages never load antd (nor the PC pages antd-mobile). A group also takes the
 * dependencies of its modules, so the order matters: antd is claimed before @rjsf/antd could pull
 * antd's components into the form chunk that pages without forms would then have to load.
 */
const vendorGroups = [
  { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 40 },
  // Small helpers both antd and antd-mobile use: on their own, so neither app loads the other's kit.
  {
    name: 'ui-common',
    test: /node_modules[\\/](dayjs|@babel[\\/]runtime|classnames|clsx|react-is|tslib|use-sync-external-store|@rc-component[\\/]mini-decimal|rc-util|@floating-ui)[\\/]/,
    priority: 35,
  },
  { name: 'antd-mobile', test: /node_modules[\\/]antd-mobile/, priority: 30 },
  { name: 'rjsf', test: /node_modules[\\/](@rjsf|ajv)/, priority: 10 },
  { name: 'antd', test: /node_modules[\\/](antd|@ant-design|@rc-component|rc-[a-z-]+|dayjs)[\\/]/, priority: 20 },
];

/**
 * Dev server only: each area is its own single-page app, so a deep link such as /m/tasks/3 must
 * get that area's index.html (api/app.ts does the same for the built files).
 */
const areaFallback: Plugin = {
  name: 'area-fallback',
  configureServer(server) {
    server.middlewares.use((req, _res, next) => {
      const area = req.url?.match(/^\/(m|console|screen)(\/[^.?]*)?(\?.*)?$/)?.[1];
      if (area && req.headers.accept?.includes('text/html')) req.url = `/${area}/index.html`;
      next();
    });
  },
};

export default defineConfig({
  root,
  base: '/',
  plugins: [react(), areaFallback],
  server: { proxy: { '/api': 'http://localhost:3000' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: false,
    rolldownOptions: {
      input: {
        pc: `${root}index.html`,
        m: `${root}m/index.html`,
        console: `${root}console/index.html`,
        screen: `${root}screen/index.html`,
      },
      output: { codeSplitting: { groups: vendorGroups } },
    },
  },
});
