// Node: the property suite on the default path.
import { describeCobblestoneProperties } from './cobblestone-property-suite.ts';

describeCobblestoneProperties('default path');
