// Pages with nothing of their own (404): the shared header, search box and settings.

import { startPage } from './layout.js';

startPage();
