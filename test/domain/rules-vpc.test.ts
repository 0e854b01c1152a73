// Webhook rules of the VPC-side kinds (REFERENCE §1.4, §1.9, §2.1–§2.7), one case each.
import { describeRules } from './rule-cases.js';
import { VPC_RULE_CASES } from './rule-cases-vpc.js';

describeRules(VPC_RULE_CASES);
