// Runs in Node (node:crypto backend) and in Chromium (WebCrypto backend).
import { describeCobblestoneVectors } from './cobblestone-vector-suite.ts';

describeCobblestoneVectors('default backend');
