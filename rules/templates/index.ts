import type { RuleGraphInput } from '../graph.schema';
import { b2bDefaultGraph } from './b2b-default';
import { fitEngagementGraph } from './fit-engagement';
import { twoProductsGraph } from './two-products';

/** Models a marketer can start from; `b2b-default` is published on first start. */
export const TEMPLATES: Readonly<Record<string, RuleGraphInput>> = {
  'b2b-default': b2bDefaultGraph,
  'two-products': twoProductsGraph,
  'fit-engagement': fitEngagementGraph,
};

export { b2bDefaultGraph, fitEngagementGraph, twoProductsGraph };
