// The bare React 19 baseline: one empty component rendered with react-dom.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

createRoot(document.getElementById('root')).render(<StrictMode><p id="app"></p></StrictMode>);
