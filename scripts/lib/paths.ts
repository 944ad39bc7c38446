// Where the project's files live, resolved from this file so scripts work from any working directory.
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

export const paths = {
  root,
  schema: `${root}prisma/schema.prisma`,
  migrations: `${root}prisma/migrations`,
  data: `${root}.data`,
  postgresData: `${root}.data/postgres`,
  devVars: `${root}.dev.vars`,
};
