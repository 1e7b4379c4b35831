import { packageTestConfig } from '../../vitest.shared';

export default packageTestConfig('@floatjs/eval', { workers: 2 });
