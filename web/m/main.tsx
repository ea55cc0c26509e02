/** Mobile H5 entry for grid workers (antd-mobile, dark mode, zh-CN). */
import { ConfigProvider, unstableSetRender } from 'antd-mobile';
import zhCN from 'antd-mobile/es/locales/zh-CN';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from '../shared/router';
import App from './App';
import './mobile.css';

// antd-mobile 5 renders Toast/Dialog with the React 18 API unless given React 19's createRoot.
unstableSetRender((node, container) => {
  const root = createRoot(container);
  root.render(node);
  return async () => root.unmount();
});
document.documentElement.setAttribute('data-prefers-color-scheme', 'dark');

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConfigProvider locale={zhCN}>
      <RouterProvider>
        <App />
      </RouterProvider>
    </ConfigProvider>
  </StrictMode>,
);
