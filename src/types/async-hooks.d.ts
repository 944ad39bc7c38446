// workerd's AsyncLocalStorage (nodejs_compat), without pulling all of @types/node into the Worker.
declare module "node:async_hooks" {
  export class AsyncLocalStorage<Store> {
    getStore(): Store | undefined;
    run<Result>(store: Store, callback: () => Result): Result;
  }
}
