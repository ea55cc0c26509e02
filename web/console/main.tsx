/** 流程监控 (workflow console) entry: the back office's dark antd theme, zh-CN. */
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { appTheme } from '../pc/theme';
import { RouterProvider } from '../shared/router';
import App from './App';
import './console.css';

dayjs.locale('zh-cn');

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConfigProvider locale={zhCN} theme={appTheme}>
      <AntApp>
        <RouterProvider>
          <App />
        </RouterProvider>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
