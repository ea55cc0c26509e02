/** PC back office entry: zh-CN locale and the calm dark theme around the app. */
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from '../shared/router';
import { Root } from './App';
import { SessionProvider } from './session';
import { appTheme } from './theme';

dayjs.locale('zh-cn');

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConfigProvider locale={zhCN} theme={appTheme}>
      <AntApp>
        <RouterProvider>
          <SessionProvider>
            <Root />
          </SessionProvider>
        </RouterProvider>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
