import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../shared/ui/base.css';

const root = document.getElementById('root');
if (root) createRoot(root).render(<StrictMode><p>Staff</p></StrictMode>);
