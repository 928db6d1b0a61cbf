import { MAX_TOTAL } from '../../common/money';
import { Money } from '../../common/validation/decorators';

/** The optional checkout body. */
export class CheckoutDto {
  @Money({
    optional: true,
    max: MAX_TOTAL,
    example: 29,
    description:
      "The total the buyer was shown (the cart view's `total`). When it differs from the total this checkout would charge, nothing is charged: 409 `total_changed`, with the current cart view in `details`. Clients should always send it.",
  })
  expectedTotal?: number;
}
