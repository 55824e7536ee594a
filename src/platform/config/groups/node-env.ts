// NODE_ENV: which set of defaults the other groups apply; they turn it into explicit settings.
import { defineGroup } from '../group.ts'
import { NODE_ENVS, type NodeEnv } from '../variable.ts'

export const nodeEnvGroup = defineGroup({
  section: 'server',
  variables: {
    NODE_ENV: {
      type: 'enum',
      values: NODE_ENVS,
      default: 'development',
      doc: 'Picks the defaults below: development, production or test.',
    },
  },
  build: (values): NodeEnv => values.NODE_ENV,
})
