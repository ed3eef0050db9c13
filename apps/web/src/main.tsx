import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createSdkGateway } from './api/sdk-gateway.ts';
import { App } from './components/app.tsx';
import './styles/base.css';
import './styles/layout.css';
import './styles/sync-bar.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <App gateway={createSdkGateway({ serverUrl: window.location.origin })} />
  </StrictMode>,
);
